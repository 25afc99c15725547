"""A two-button app for tests/serving/test_downloads.py: the same file, deferred and drawn with its bytes."""

import streamlit as st

value = st.slider("value", 0, 100, 5, key="value")
st.download_button("deferred", lambda: f"value {value}", "deferred.txt", on_click="ignore")
st.download_button("with bytes", f"value {value}", "bytes.txt", on_click="ignore")
