/** `npm run bench`: every benchmark section, measured in one run on this machine. */
import { runAllocateBench } from './allocate';
import { runEngineBench } from './engine';
import { runModelBench } from './model';
import { runProbeBench } from './probe';
import { runTrainBench } from './train';

const sections: { name: string; run: () => Promise<void> }[] = [
  { name: 'engine (onnxruntime CPU)', run: runEngineBench },
  { name: 'model (KV-cache generation, onnxruntime CPU)', run: runModelBench },
  { name: 'training: LoRA-MoE vs plain LoRA', run: runTrainBench },
  { name: 'sensitivity probe: ghost vs direct, probe vs forward+backward (onnxruntime CPU)', run: runProbeBench },
  { name: 'allocation (editor latency)', run: runAllocateBench },
];

async function main(): Promise<void> {
  for (const section of sections) {
    process.stdout.write(`\n== ${section.name} ==\n`);
    await section.run();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
