"""
Trains the reader (issue 28): MiniLM-L6 initialised from the embedding
model's own weights, reading [CLS] question [SEP] title — sentence [SEP]
(src/search/reader-text.ts), one logit from the [CLS] state. The embeddings
and the lower layers stay frozen (the embedding model's), so the trained part
is small enough to commit and the backward pass is short.

  /usr/bin/python3 scripts/train/train.py WEIGHTS.safetensors DATA_DIR OUT.safetensors [--layers=3] [--epochs=1] [--seed=28]

DATA_DIR holds make-data.ts's train.jsonl, validation.jsonl and
validation-questions.jsonl (token ids already). Writes OUT (the trained
tensors, fp16, under the model's own names plus classifier.weight /
classifier.bias), OUT.json (figures and provenance) and
OUT.validation-scores.jsonl (every validation question's candidates with
their PyTorch logits: the ONNX parity test reads some of them).
Debian's python3-torch with libopenblas0-pthread (docs/reader.md).
"""
import json, math, random, struct, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

args = [a for a in sys.argv[1:] if not a.startswith('--')]
opts = dict(a[2:].split('=', 1) for a in sys.argv[1:] if a.startswith('--'))
weights_path, data_dir, out_path = args
LAYERS_TRAINED = int(opts.get('layers', 3))
EPOCHS = float(opts.get('epochs', 1))
SEED = int(opts.get('seed', 28))
BATCH = 32
torch.manual_seed(SEED); random.seed(SEED); np.random.seed(SEED)
torch.set_num_threads(2)

def read_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n)); data = f.read()
    dtypes = {'F16': np.float16, 'F32': np.float32, 'I64': np.int64}
    out = {}
    for name, t in header.items():
        if name == '__metadata__': continue
        a, b = t['data_offsets']
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=dtypes[t['dtype']]).reshape(t['shape']).copy())
    return out

def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        b = t.detach().cpu().numpy().astype(np.float16).tobytes()
        header[name] = {'dtype': 'F16', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b); offset += len(b)
    h = json.dumps(header).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h))); f.write(h); [f.write(b) for b in blobs]

W = {k: (v.float() if v.dtype == torch.float16 else v) for k, v in read_safetensors(weights_path).items()}
H, HEADS, N_LAYERS, EPS = 384, 12, 6, 1e-12

class Layer(nn.Module):
    def __init__(self, i):
        super().__init__()
        p = f'encoder.layer.{i}.'
        def lin(name):
            l = nn.Linear(*W[p + name + '.weight'].shape[::-1]); l.weight.data = W[p + name + '.weight'].clone(); l.bias.data = W[p + name + '.bias'].clone(); return l
        def ln(name):
            l = nn.LayerNorm(H, eps=EPS); l.weight.data = W[p + name + '.weight'].clone(); l.bias.data = W[p + name + '.bias'].clone(); return l
        self.prefix = p
        self.q, self.k, self.v = lin('attention.self.query'), lin('attention.self.key'), lin('attention.self.value')
        self.o, self.ln1 = lin('attention.output.dense'), ln('attention.output.LayerNorm')
        self.i, self.out, self.ln2 = lin('intermediate.dense'), lin('output.dense'), ln('output.LayerNorm')
    def forward(self, x, mask):
        B, T, _ = x.shape
        split = lambda t: t.view(B, T, HEADS, H // HEADS).transpose(1, 2)
        att = split(self.q(x)) @ split(self.k(x)).transpose(-1, -2) / math.sqrt(H // HEADS) + mask
        ctx = (att.softmax(-1) @ split(self.v(x))).transpose(1, 2).reshape(B, T, H)
        x = self.ln1(x + self.o(ctx))
        return self.ln2(x + self.out(F.gelu(self.i(x))))
    def named(self):
        names = {'q': 'attention.self.query', 'k': 'attention.self.key', 'v': 'attention.self.value', 'o': 'attention.output.dense', 'ln1': 'attention.output.LayerNorm', 'i': 'intermediate.dense', 'out': 'output.dense', 'ln2': 'output.LayerNorm'}
        return {self.prefix + names[m] + '.' + w: t for m in names for w, t in getattr(self, m).named_parameters()}

class CrossEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.word, self.pos, self.type = W['embeddings.word_embeddings.weight'], W['embeddings.position_embeddings.weight'], W['embeddings.token_type_embeddings.weight']
        self.ln = nn.LayerNorm(H, eps=EPS); self.ln.weight.data = W['embeddings.LayerNorm.weight']; self.ln.bias.data = W['embeddings.LayerNorm.bias']
        self.layers = nn.ModuleList([Layer(i) for i in range(N_LAYERS)])
        self.classifier = nn.Linear(H, 1)
        nn.init.normal_(self.classifier.weight, std=0.02); nn.init.zeros_(self.classifier.bias)
        for p in self.ln.parameters(): p.requires_grad = False
        for layer in self.layers[:N_LAYERS - LAYERS_TRAINED]:
            for p in layer.parameters(): p.requires_grad = False
    def forward(self, ids, types, attn):
        T = ids.shape[1]
        mask = (1.0 - attn[:, None, None, :].float()) * -10000.0
        with torch.no_grad():
            x = self.ln(self.word[ids] + self.pos[:T][None] + self.type[types])
            for layer in self.layers[:N_LAYERS - LAYERS_TRAINED]: x = layer(x, mask)
        for layer in self.layers[N_LAYERS - LAYERS_TRAINED:]: x = layer(x, mask)
        return self.classifier(x[:, 0]).squeeze(-1)
    def trained(self):
        out = {}
        for layer in self.layers[N_LAYERS - LAYERS_TRAINED:]: out.update(layer.named())
        out['classifier.weight'] = self.classifier.weight; out['classifier.bias'] = self.classifier.bias
        return out

def load(path):
    return [json.loads(l) for l in open(path) if l.strip()]

def batches(rows, shuffle):
    order = list(range(len(rows)))
    if shuffle:
        # Shuffled, then sorted by length within windows of 50 batches and the batches shuffled again:
        # a batch pads to its longest pair, so similar lengths together cost less, and the order stays random.
        random.shuffle(order)
        window = 50 * BATCH
        order = [i for w in range(0, len(order), window) for i in sorted(order[w:w + window], key=lambda i: len(rows[i]['ids']))]
        chunks = [order[s:s + BATCH] for s in range(0, len(order), BATCH)]
        random.shuffle(chunks)
        order = [i for c in chunks for i in c]
    for s in range(0, len(order), BATCH):
        chunk = [rows[i] for i in order[s:s + BATCH]]
        T = max(len(r['ids']) for r in chunk)
        ids = torch.zeros(len(chunk), T, dtype=torch.long); types = torch.zeros_like(ids); attn = torch.zeros_like(ids)
        for j, r in enumerate(chunk):
            n = len(r['ids']); ids[j, :n] = torch.tensor(r['ids']); types[j, :n] = torch.tensor(r['types']); attn[j, :n] = 1
        yield chunk, ids, types, attn

def score(model, rows):
    model.eval(); out = []
    with torch.no_grad():
        for _, ids, types, attn in batches(rows, False): out += model(ids, types, attn).tolist()
    return out

def auc(pos, neg):
    if not pos or not neg: return float('nan')
    allv = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    rank_sum, i = 0.0, 0
    while i < len(allv):
        j = i
        while j < len(allv) and allv[j][0] == allv[i][0]: j += 1
        r = (i + j + 1) / 2
        rank_sum += r * sum(1 for k in range(i, j) if allv[k][1] == 1); i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))

def dev_figures(model, dev):
    s = score(model, dev)
    pos = [v for v, r in zip(s, dev) if r['label'] == 1]
    figs = {'auc': auc(pos, [v for v, r in zip(s, dev) if r['label'] == 0]), 'accuracy': sum((v > 0) == (r['label'] == 1) for v, r in zip(s, dev)) / len(dev)}
    for kind in sorted({r['kind'] for r in dev if r['label'] == 0}):
        figs['auc ' + kind] = auc(pos, [v for v, r in zip(s, dev) if r['kind'] == kind])
    return figs

def held_out(model, questions):
    """The validation articles' questions: the reader's order against the engine's, and answerable against adversarial."""
    flat = [c for q in questions for c in q['candidates']]
    scores = score(model, flat)
    k = 0
    for q in questions:
        for c in q['candidates']: c['score'] = scores[k]; k += 1
    answerable = [q for q in questions if not q['unanswerable'] and q['candidates']]
    figs = {}
    for top in (3, 5, 8):
        first = lambda q, key: max(q['candidates'][:top], key=key)['label'] == 1
        figs[f'R@1 engine (top {top})'] = sum(q['candidates'][0]['label'] == 1 for q in answerable) / len(answerable)
        figs[f'R@1 reader over top {top}'] = sum(first(q, lambda c: c['score']) for q in answerable) / len(answerable)
        best = lambda q: max(c['score'] for c in q['candidates'][:top])
        found = [best(q) for q in answerable if any(c['label'] for c in q['candidates'][:top])]
        adversarial = [best(q) for q in questions if q['unanswerable'] and q['candidates']]
        figs[f'AUC answerable vs adversarial, best of {top}'] = auc(found, adversarial)
        cut = sorted(found)[int(0.1 * len(found))]
        figs[f'adversarial held at 90% answered, best of {top}'] = sum(v < cut for v in adversarial) / len(adversarial)
    return figs, [{'id': q['id'], 'question': q['question'], 'candidates': [{'input': c['input'], 'label': c['label'], 'score': c['score']} for c in q['candidates']]} for q in questions]

train, dev = load(f'{data_dir}/train.jsonl'), load(f'{data_dir}/validation.jsonl')
questions = load(f'{data_dir}/validation-questions.jsonl')
model = CrossEncoder()
params = [p for p in model.parameters() if p.requires_grad]
optim = torch.optim.AdamW([{'params': [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith('classifier')], 'lr': 5e-5},
                           {'params': model.classifier.parameters(), 'lr': 1e-3}], weight_decay=0.01)
steps = int(math.ceil(len(train) / BATCH) * EPOCHS); warm = max(1, steps // 10)
sched = torch.optim.lr_scheduler.LambdaLR(optim, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
start, step = time.time(), 0
model.train()
while step < steps:
    for _, ids, types, attn in batches(train, True):
        labels = torch.tensor([float(r['label']) for r in _])
        loss = F.binary_cross_entropy_with_logits(model(ids, types, attn), labels)
        optim.zero_grad(); loss.backward(); optim.step(); sched.step(); step += 1
        if step % 50 == 0: print(f'step {step}/{steps} loss {loss.item():.3f} {step * BATCH / (time.time() - start):.1f} pairs/s', flush=True)
        if step >= steps: break
    model.train()
seconds = round(time.time() - start)
write_safetensors(out_path, model.trained())
after = dev_figures(model, dev)
held, scored = held_out(model, questions)
with open(out_path + '.validation-scores.jsonl', 'w') as f:
    for row in scored: f.write(json.dumps(row) + '\n')
meta = json.load(open(f'{data_dir}/data.json'))
json.dump({'data': meta, 'layersTrained': LAYERS_TRAINED, 'epochs': EPOCHS, 'seed': SEED, 'batch': BATCH, 'pairs': len(train), 'seconds': seconds,
           'validationPairs': after, 'validationQuestions': held, 'command': ' '.join(['/usr/bin/python3'] + sys.argv)}, open(out_path + '.json', 'w'), indent=2)
print(json.dumps({'validationPairs': after, 'validationQuestions': held}, indent=1))
