"""Streamlit helpers shared by the pages: active dataset/run, guarded pages, charts."""
