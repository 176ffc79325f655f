"""Seeded sampling identical to smoe's TypeScript (src/core/data/random.ts, src/core/train/sampler.ts).

mulberry32 with its whole state in one uint32, the seed mixer, the probe's example sample and the
multi-task sampler: the same seed gives the same batches in the same order as `smoe train`.
"""

MASK = 0xFFFFFFFF


def _imul(a, b):
    return (a * b) & MASK


class SeededRandom:
    """mulberry32: uniform floats in [0, 1); `state` is what a checkpoint stores."""

    def __init__(self, seed):
        self.state = int(seed) & MASK

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & MASK
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & MASK
        return ((t ^ (t >> 14)) & MASK) / 4294967296.0

    def below(self, n):
        return int(self.next() * n)

    def permutation(self, n):
        items = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]
        return items


def derive_seed(seed, *parts):
    """Mixes a seed with small integers into an independent stream's seed."""
    h = (int(seed) ^ 0x9E3779B9) & MASK
    for part in parts:
        h = _imul(h ^ (int(part) & MASK), 0x85EBCA6B)
        h ^= h >> 13
        h = _imul(h, 0xC2B2AE35)
        h ^= h >> 16
    return h


def sample_indices(count, n, seed):
    """`n` distinct indices out of `count` in file order (all of them when n >= count)."""
    items = list(range(count))
    if n >= count:
        return items
    random = SeededRandom(seed)
    picked = max(0, int(n))
    for i in range(picked):
        j = i + random.below(count - i)
        items[i], items[j] = items[j], items[i]
    return sorted(items[:picked])


def task_weights(sizes, configured):
    """The configured weights when any task sets one (others 1), else the task sizes."""
    if any(w is not None for w in configured):
        return [1 if w is None else w for w in configured]
    return list(sizes)


class MultiTaskSampler:
    """Picks a task by weight, then that task's next example in a per-(seed, task, epoch) shuffled order."""

    def __init__(self, seed, sizes, weights, state=None):
        if len(sizes) != len(weights):
            raise ValueError("sampler: one weight per task is needed")
        for t, n in enumerate(sizes):
            if n <= 0:
                raise ValueError(f"sampler: task {t} has no training examples")
        self.seed = seed
        self.sizes = list(sizes)
        total = float(sum(weights))
        running = 0.0
        self.cumulative = []
        for w in weights:
            running += w / total
            self.cumulative.append(running)
        if state:
            self.random = SeededRandom(state["random"])
            self.cursors = [dict(c) for c in state["cursors"]]
        else:
            self.random = SeededRandom(derive_seed(seed, 0x7A5C))
            self.cursors = [{"epoch": 0, "index": 0} for _ in sizes]
        if len(self.cursors) != len(sizes):
            raise ValueError(f"sampler: the checkpoint has {len(self.cursors)} tasks, the job {len(sizes)}")
        self._orders = {}

    def save(self):
        return {"random": self.random.state, "cursors": [dict(c) for c in self.cursors]}

    def next(self):
        u = self.random.next()
        task = next((i for i, c in enumerate(self.cumulative) if u < c), len(self.cumulative) - 1)
        cursor = self.cursors[task]
        example = self._order(task, cursor["epoch"])[cursor["index"]]
        cursor["index"] += 1
        if cursor["index"] >= self.sizes[task]:
            cursor["epoch"] += 1
            cursor["index"] = 0
        return task, example

    def draw(self, count):
        return [self.next() for _ in range(count)]

    def _order(self, task, epoch):
        cached = self._orders.get(task)
        if cached and cached[0] == epoch:
            return cached[1]
        order = SeededRandom(derive_seed(self.seed, task + 1, epoch)).permutation(self.sizes[task])
        self._orders[task] = (epoch, order)
        return order
