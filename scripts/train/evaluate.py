"""
The cross-encoder measured on real questions before it is wired in (issue 21):
the fit's gold questions' candidates (gold-pairs.ts) with the model's scores
(train.py --score). Cross-validated like fit.ts (5 folds over questions):

  1. ranking: the engine's order, the model's alone, and the engine's order
     with the model's logit added at a weight chosen on the training folds;
  2. the answers decision: a logistic model over the verdict features of
     decide.ts, without and with the model's logits, its threshold swept:
     answerable questions answered against near-topic / adversarial ones held.

  /usr/bin/python3 scripts/train/evaluate.py PAIRS.jsonl   (reads PAIRS.jsonl.scores)
"""
import json, sys
from collections import defaultdict
import numpy as np

path = sys.argv[1]
rows = [json.loads(l) for l in open(path)]
for r, s in zip(rows, open(path + '.scores')): r['ce'] = float(s)
questions = defaultdict(list)
for r in rows: questions[(r['file'], r['q'])].append(r)
Q = list(questions.values())
rng = np.random.default_rng(7)
fold = {id(q): f for q, f in zip(Q, rng.permutation(len(Q)) % 5)}
squad = lambda q: 'squad2' in q[0]['file']
WEIGHTS = [0, 0.25, 0.5, 1, 2, 4]

def reranked(q, w):
    return sorted(q, key=lambda r: r['rank'] - w * r['ce'])

def hits(qs, w):
    ans = [q for q in qs if q[0]['kind'] == 'answerable']
    r1 = sum(reranked(q, w)[0]['right'] for q in ans) / len(ans)
    r3 = sum(any(r['right'] for r in reranked(q, w)[:3]) for q in ans) / len(ans)
    return r1, r3

print('## Ranking (shown first among the top 3 of the engine\'s 5 candidates)\n')
print('| order | articles R@1 | R@3 | SQuAD R@1 | R@3 |\n|---|---|---|---|---|')
for name, w in [('engine', 0), ('model alone', 1e6)] + [(f'engine + {w} × logit', w) for w in WEIGHTS[1:]]:
    a, s = hits([q for q in Q if not squad(q)], w), hits([q for q in Q if squad(q)], w)
    print(f'| {name} | {a[0]:.3f} | {a[1]:.3f} | {s[0]:.3f} | {s[1]:.3f} |')
chosen = []
for k in range(5):
    train = [q for q in Q if fold[id(q)] != k]
    chosen.append(max(WEIGHTS, key=lambda w: sum(hits(train, w))))
cv = {dom: [0, 0, 0] for dom in ('articles', 'squad')}
for k in range(5):
    for q in Q:
        if fold[id(q)] != k or q[0]['kind'] != 'answerable': continue
        d = cv['squad' if squad(q) else 'articles']; top = reranked(q, chosen[k])
        d[0] += top[0]['right']; d[1] += any(r['right'] for r in top[:3]); d[2] += 1
print(f'\nCross-validated weight (per fold {chosen}): ' + ', '.join(f'{dom} R@1 {v[0]/v[2]:.3f} R@3 {v[1]/v[2]:.3f}' for dom, v in cv.items()))

FEATURES = list(rows[0]['features'].keys())
def x_of(q, with_model):
    f = q[0]['features']; x = [f[n] for n in FEATURES]
    if with_model: x += [q[0]['ce'], max(r['ce'] for r in q[:3])]
    return x

def fit(X, y, w):
    X = np.array(X); mu, sd = X.mean(0), X.std(0) + 1e-9; Z = (X - mu) / sd
    beta, b = np.zeros(Z.shape[1]), 0.0
    for _ in range(3000):
        p = 1 / (1 + np.exp(-(Z @ beta + b))); e = (p - y) * w
        beta -= 0.5 * (Z.T @ e / w.sum() + 0.001 * beta); b -= 0.5 * e.sum() / w.sum()
    return lambda x: (np.array(x) - mu) / sd @ beta + b

def decision_curve(with_model):
    """Answerable with a right quote in the top 3 (positive) against near-topic and adversarial (negative), as fit.ts's answers model."""
    labelled = [q for q in Q if q[0]['kind'] == 'near-topic' or (q[0]['kind'] == 'answerable' and any(r['right'] for r in q[:3]))]
    scores = {}
    for k in range(5):
        train = [q for q in labelled if fold[id(q)] != k]
        y = np.array([q[0]['kind'] == 'answerable' for q in train], float)
        w = np.array([0.05 * len(train) / max(1, sum(squad(q) for q in train)) if squad(q) else 1.0 for q in train])
        f = fit([x_of(q, with_model) for q in train], y, w)
        for q in labelled:
            if fold[id(q)] == k: scores[id(q)] = f(x_of(q, with_model))
    out = {}
    for dom, keep in (('articles', lambda q: not squad(q)), ('squad', squad)):
        pos = sorted(scores[id(q)] for q in labelled if keep(q) and q[0]['kind'] == 'answerable')
        neg = [scores[id(q)] for q in labelled if keep(q) and q[0]['kind'] == 'near-topic']
        auc = np.mean([[1.0 if p > n else 0.5 if p == n else 0.0 for n in neg] for p in pos])
        out[dom] = (auc, [(share, sum(n < pos[int((1 - share) * len(pos))] for n in neg) / len(neg)) for share in (0.95, 0.9, 0.85, 0.8, 0.7)])
    return out

print('\n## The answers decision (cross-validated; answerable = a right quote in the top 3)\n')
print('| model | domain | AUC | held at 95% answered | 90% | 85% | 80% | 70% |\n|---|---|---|---|---|---|---|---|')
for with_model in (False, True):
    for dom, (auc, curve) in decision_curve(with_model).items():
        print(f"| {'features + cross-encoder' if with_model else 'features'} | {dom} | {auc:.3f} | " + ' | '.join(f'{h:.1%}' for _, h in curve) + ' |')
