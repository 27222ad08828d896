"""GNT Explorer (placeholder until the app lands): shows the demo dataset's load report."""

import streamlit as st

from gnt_core.demo import demo_dataset

st.set_page_config(page_title="GNT Explorer", layout="wide")
st.title("GNT Explorer")
st.write("The interactive app is being built. Meanwhile the `gnt` command line runs the whole "
         "pipeline: `gnt demo DIR`, `gnt train --data DIR --out RUN`.")
data = demo_dataset()
st.subheader(f"Built-in demo: {data.name}")
for line in data.report.lines():
    st.write("- " + line)
