"""A banner that says a change is being processed, shown by the browser itself when an answer is slow.

Streamlit's own running indicator is a small icon in a corner, and a saturated (or paused) server
sends nothing at all, so the page looks frozen. This script watches the app's websocket in the
browser: once a change has been sent and no answer has finished within half a second, a banner at
the top of the screen says the change is being processed; it goes away when the run has finished.
Nothing is sent to the server, so it costs no server time when the server is busiest.
"""

import streamlit as st

DELAY_MS = 500

SCRIPT = """
<style>
#portfolio-busy {position: fixed; top: 0.5rem; left: 50%; transform: translateX(-50%); z-index: 1000100;
  width: max-content; max-width: min(92vw, 34rem); padding: 0.6rem 1rem; border-radius: 0.5rem; background: #1f2937; color: #fff;
  font: 500 1rem/1.35 system-ui, sans-serif; box-shadow: 0 2px 10px rgba(0,0,0,.3); display: none;}
#portfolio-busy.shown {display: block;}
</style>
<script>
(() => {
  if (window.portfolioBusy) return;
  const app = () => document.querySelector('[data-testid="stApp"]');
  const banner = document.createElement("div");
  banner.id = "portfolio-busy";
  banner.setAttribute("role", "status");
  banner.setAttribute("aria-live", "polite");
  banner.textContent = "Updating: your change is being processed, please wait a moment.";
  document.body.appendChild(banner);
  const state = {pending: false, sentAt: 0, answers: 0, lastAnswer: 0, watched: new WeakSet()};
  window.portfolioBusy = state;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (!state.watched.has(this)) {
      state.watched.add(this);
      this.addEventListener("message", () => { if (state.pending) { state.answers += 1; state.lastAnswer = Date.now(); } });
    }
    const size = data.byteLength ?? data.size ?? data.length ?? 0;
    if (size > 16) {  // a rerun request; heartbeats are a few bytes
      Object.assign(state, {pending: true, sentAt: Date.now(), answers: 0});
    }
    return send.call(this, data);
  };
  setInterval(() => {
    if (!state.pending) return;
    const now = Date.now();
    const idle = app()?.getAttribute("data-test-script-state") === "notRunning";
    if (idle && state.answers > 0 && now - state.lastAnswer > 250) {
      state.pending = false;
      banner.classList.remove("shown");
    } else if (now - state.sentAt > @DELAY@) {
      banner.classList.add("shown");
    }
  }, 100);
})();
</script>
""".replace("@DELAY@", str(DELAY_MS))


def indicator() -> None:
    """Install the banner once per page load (the script guards against running twice)."""
    st.html(SCRIPT, unsafe_allow_javascript=True, width="content")
