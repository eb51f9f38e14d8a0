// Shared by the library pages: load the exported mesh, colour by load, time frames with rAF.
window.loadMesh = async () => (await fetch('/mesh.json')).json();

/** Load in [0,1+] to a colour ramp (green → amber → red), like a load-coloured overlay. */
window.loadColour = (l) => (l < 0.5 ? '#3a9d5d' : l < 0.9 ? '#e0a030' : '#d0343a');
const PALETTE = ['#3a9d5d', '#e0a030', '#d0343a', '#4a6fd0'];

/**
 * Each frame: recolour 1% of the nodes through `setColour(i, colour)` (the library then redraws on
 * its own rAF), and record the interval between successive frames. Stops after `n` intervals or
 * `capMs`. Returns the intervals in ms.
 */
window.measureFrames = (nodes, setColour, n, capMs) => new Promise((resolve) => {
  const ts = [];
  const t0 = performance.now();
  let k = 0;
  const per = Math.max(1, Math.round(nodes * 0.01));
  const frame = () => {
    ts.push(performance.now());
    if (ts.length > n || performance.now() - t0 > capMs) {
      resolve(ts.slice(1).map((t, i) => t - ts[i]));
      return;
    }
    for (let j = 0; j < per; j++) setColour((k * 7919 + j * 104729) % nodes, PALETTE[(k + j) % PALETTE.length]);
    k++;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
});
