// A plotly figure drawn with plotly.js's basic bundle (scatter, bar and pie: 0.4 MB compressed instead of the 1.6 MB of
// Streamlit's full plotly chunk), speaking Streamlit's component protocol (v1) with postMessage, no other library.
// Each render updates the figure in place (Plotly.react), so a slider's move redraws only what changed.
(() => {
  "use strict";
  const post = (type, data) => window.parent.postMessage({isStreamlitMessage: true, apiVersion: 1, type, ...data}, "*");
  const chart = document.getElementById("chart");
  let shown = null;

  window.addEventListener("message", (event) => {
    if (event.data?.type !== "streamlit:render") return;
    const {figure, config} = event.data.args;
    if (figure === shown) return;
    shown = figure;
    const {data, layout} = JSON.parse(figure);
    Plotly.react(chart, data, {...layout, autosize: true}, JSON.parse(config)).then(() => {
      post("streamlit:setFrameHeight", {height: Math.ceil(chart.getBoundingClientRect().height)});
    });
  });
  post("streamlit:componentReady", {});
})();
