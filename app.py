"""GNT Explorer: `streamlit run app.py`. Opens on the built-in demo dataset.

The pages live in app_pages/, not pages/: Streamlit treats a pages/ folder as a legacy
multipage app and would then run a page without this file's sidebar and error guard.
"""

from pathlib import Path

import streamlit as st

from ui import access, layout, state

# the tab icon is a file of the project: an emoji or a Material icon would be fetched from a CDN
ICON = Path(__file__).parent / "assets" / "icon.png"
st.set_page_config(page_title="GNT Explorer", page_icon=str(ICON), layout="wide")
access.require_user()
page = st.navigation([
    st.Page("app_pages/data.py", title="Data", icon=":material/dataset:", default=True),
    st.Page("app_pages/train.py", title="Train", icon=":material/model_training:"),
    st.Page("app_pages/evaluate.py", title="Evaluate", icon=":material/monitoring:"),
    st.Page("app_pages/explore.py", title="Explore candidates", icon=":material/hub:"),
    st.Page("app_pages/runs.py", title="Runs", icon=":material/folder_open:"),
    st.Page("app_pages/export.py", title="Export", icon=":material/download:"),
])
state.sync_url()
layout.sidebar()
layout.run_page(page)
