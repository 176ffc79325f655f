// The Python files of an exported job, as the text esbuild bundles from ./python (real .py files in the repo).
import probePy from './python/probe.py';
import checkpointPy from './python/smoe_checkpoint.py';
import dataPy from './python/smoe_data.py';
import deepspeedPy from './python/smoe_deepspeed.py';
import distPy from './python/smoe_dist.py';
import filesPy from './python/smoe_files.py';
import modelPy from './python/smoe_model.py';
import moePy from './python/smoe_moe.py';
import optimPy from './python/smoe_optim.py';
import randomPy from './python/smoe_random.py';
import trainPy from './python/train.py';

export const PYTHON_SOURCES: Readonly<Record<string, string>> = {
  'train.py': trainPy,
  'probe.py': probePy,
  'smoe_moe.py': moePy,
  'smoe_model.py': modelPy,
  'smoe_data.py': dataPy,
  'smoe_random.py': randomPy,
  'smoe_optim.py': optimPy,
  'smoe_checkpoint.py': checkpointPy,
  'smoe_files.py': filesPy,
  'smoe_dist.py': distPy,
  'smoe_deepspeed.py': deepspeedPy,
};
