"""Custom Streamlit components shipped in the repository (plain HTML and JavaScript, no build step, no outside host)."""
