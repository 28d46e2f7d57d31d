// Loaded with --import into a measured process: samples the V8 heap and writes the peak, in bytes, at exit.
import { writeFileSync } from 'node:fs';

let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().heapUsed);
};
setInterval(sample, 10).unref();
process.on('exit', () => {
  sample();
  if (process.env.SQLKIT_HEAP_PROBE_FILE) writeFileSync(process.env.SQLKIT_HEAP_PROBE_FILE, String(peak));
});
