"""An app for tests/serving/test_downloads.py: a run stopped before the downloads stands for a run a quicker slider move interrupts."""

import streamlit as st

from ui import downloads

downloads.keep_alive()
value = st.slider("value", 0, 100, 6, key="value")
if value % 2:
    st.stop()
st.download_button("plain", f"value {value}", "plain.txt", "text/plain", on_click="ignore")
downloads.held("held", f"value {value}", "held.txt", "text/plain", key="held")
