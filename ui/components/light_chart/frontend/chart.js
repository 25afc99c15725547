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
  // A run from Allocate's board (its copy of the kernel) while a slider is dragged: the traces of this mix follow it (their
  // `meta` says how, ui/charts.py's live), the band hides until the server's figure, with its band, comes.
  window.addEventListener("message", (event) => {
    if (event.origin !== location.origin || event.data?.type !== "portfolio:run" || !chart.data) return;
    const {run, base} = event.data;
    const indexes = [], ys = [], visible = [];
    chart.data.forEach((trace, i) => {
      const meta = trace.meta || {};
      if (meta.band) { indexes.push(i); ys.push(trace.y); visible.push(false); }
      if (!meta.run || !run[meta.run]) return;
      const column = run[meta.run];
      indexes.push(i);
      visible.push(true);
      ys.push(column.map((value, year) => ((meta.first ? column[0] : value) - (meta.difference ? base[meta.run][year] : 0)) * meta.times));
    });
    if (!indexes.length) return;
    shown = null;  // the server's next figure is drawn even when it is the one drawn before the drag
    Plotly.restyle(chart, {y: ys, visible}, indexes);
  });
  post("streamlit:componentReady", {});
})();
