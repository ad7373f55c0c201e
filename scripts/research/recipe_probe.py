#!/usr/bin/env python3
"""Recipe probe for the textcls IMDB LSTM classifier (PyTorch mimic of the DL4J pipeline).

Subcommands:
  prep  : extract tarball, tokenize, split 90/10 (seed 42), build vocab, save /tmp/probe/data.npz
  w2v   : train skip-gram negative sampling on GPU over train split + unsup -> /tmp/probe/w2v{dim}.npy
  exp   : run named experiments, append JSON lines to $OUT/results.jsonl
  report: print table from results.jsonl
"""
import argparse, html, json, math, os, re, sys, tarfile, time
from collections import Counter
import numpy as np

WORK = os.environ.get('PROBE_WORK', '/tmp/probe')
OUT = os.environ.get('OUT', '/tmp/probe_out')
HERE = os.path.dirname(os.path.abspath(__file__))
# one prepared split per file: PROBE_DATA=data_s43.npz (and w2v files get the same suffix via W2V_SUFFIX)
DATA = os.environ.get('PROBE_DATA', 'data.npz')
W2V_SUFFIX = os.environ.get('W2V_SUFFIX', '')

TAG = re.compile(r'<[^>]+>')
NT = re.compile(r"(\w)n't\b")
TOK = re.compile(r"n't|'(?:s|re|ve|ll|d|m)\b|[^\W_]+|[^\s\w]|_")


def tokenize(text):
    t = TAG.sub(' ', text)
    t = html.unescape(t).lower()
    t = NT.sub(r"\1 n't", t)
    return TOK.findall(t)


# ---------------------------------------------------------------- prep
def cmd_prep(a):
    os.makedirs(WORK, exist_ok=True)
    t0 = time.time()
    tar = tarfile.open(os.environ.get('IMDB_TARBALL', os.path.join(HERE, 'aclImdb-train.tar.gz')))
    docs = {'pos': [], 'neg': [], 'unsup': []}
    for m in tar:
        if not m.isfile() or not m.name.endswith('.txt'):
            continue
        parts = m.name.split('/')
        if len(parts) != 4 or parts[1] != 'train' or parts[2] not in docs:
            continue
        docs[parts[2]].append((parts[3], tar.extractfile(m).read().decode('utf-8', 'replace')))
    for k in docs:
        docs[k].sort()
        if a.quick:
            docs[k] = docs[k][:a.quick]
    print('read', {k: len(v) for k, v in docs.items()}, '%.1fs' % (time.time() - t0), flush=True)
    from multiprocessing import Pool
    with Pool(a.procs) as p:
        toks = {k: p.map(tokenize, [d[1] for d in v], chunksize=200) for k, v in docs.items()}
    print('tokenized %.1fs' % (time.time() - t0), flush=True)
    rng = np.random.RandomState(a.split_seed)
    train, val = [], []
    for lab, k in ((1, 'pos'), (0, 'neg')):
        n = len(toks[k])
        perm = rng.permutation(n)
        nv = n // 10
        for j, i in enumerate(perm):
            (val if j < nv else train).append((toks[k][i], lab))
    cnt = Counter()
    for t, _ in train:
        cnt.update(t)
    words = [w for w, c in cnt.most_common() if c >= 2][:a.vocab - 2]
    w2i = {w: i + 2 for i, w in enumerate(words)}
    itos = ['<pad>', '<unk>'] + words

    def enc(lst):
        ids = [np.array([w2i.get(w, 1) for w in t], dtype=np.int32) for t in lst]
        lens = np.array([len(x) for x in ids], dtype=np.int64)
        flat = np.concatenate(ids) if ids else np.zeros(0, np.int32)
        return flat, lens
    trf, trl = enc([t for t, _ in train])
    vaf, val_l = enc([t for t, _ in val])
    unf, unl = enc(toks['unsup'])
    np.savez(os.path.join(WORK, DATA), tr_flat=trf, tr_len=trl, tr_y=np.array([y for _, y in train]),
             va_flat=vaf, va_len=val_l, va_y=np.array([y for _, y in val]), un_flat=unf, un_len=unl,
             itos=np.array(itos, dtype=object))
    L = trl
    print('train %d val %d unsup %d vocab %d | train len mean %.0f median %.0f p80 %.0f p90 %.0f | >400: %.1f%% >600: %.1f%% | unk rate %.2f%%  %.1fs'
          % (len(train), len(val), len(toks['unsup']), len(itos), L.mean(), np.median(L), np.percentile(L, 80),
             np.percentile(L, 90), 100 * (L > 400).mean(), 100 * (L > 600).mean(), 100 * (trf == 1).mean(),
             time.time() - t0), flush=True)


def load_data():
    d = np.load(os.path.join(WORK, DATA), allow_pickle=True)
    return {k: d[k] for k in d.files}


def split_flat(flat, lens):
    offs = np.concatenate([[0], np.cumsum(lens)])
    return [flat[offs[i]:offs[i + 1]] for i in range(len(lens))]


# ---------------------------------------------------------------- w2v
def cmd_w2v(a):
    import torch
    torch.manual_seed(42)
    dev = 'cuda' if torch.cuda.is_available() else 'cpu'
    d = load_data()
    itos = d['itos']
    V = len(itos)
    if a.unsup_only:
        flat, lens = d['un_flat'].astype(np.int64), d['un_len']
    else:
        flat = np.concatenate([d['tr_flat'], d['un_flat']]).astype(np.int64)
        lens = np.concatenate([d['tr_len'], d['un_len']])
    docid = np.repeat(np.arange(len(lens)), lens)
    keep = flat >= 2  # drop unk / pad
    tok = torch.from_numpy(flat[keep]).to(dev)
    doc = torch.from_numpy(docid[keep]).to(dev)
    counts = torch.bincount(tok, minlength=V).double()
    total = counts.sum()
    f = counts / total
    t = a.sample
    kp = ((f / t).sqrt() + 1) * (t / f)
    kp = torch.where(counts > 0, kp.clamp(max=1.0), torch.zeros_like(kp)).float()
    p = counts.pow(0.75)
    p = p / p.sum()
    table_size = 10_000_000
    table = torch.multinomial(p.float(), table_size, replacement=True) if V < 2 ** 24 else None
    D = a.dim
    emb_in = torch.nn.Embedding(V, D, sparse=True).to(dev)
    emb_out = torch.nn.Embedding(V, D, sparse=True).to(dev)
    with torch.no_grad():
        emb_in.weight.uniform_(-0.5 / D, 0.5 / D)
        emb_out.weight.zero_()
    opt = torch.optim.SparseAdam(list(emb_in.parameters()) + list(emb_out.parameters()), lr=a.lr)
    W, K, B = a.window, a.neg, a.batch
    print('w2v dim %d corpus tokens %d (no unk) vocab %d' % (D, tok.numel(), V), flush=True)
    t0 = time.time()
    # estimate total steps for linear lr decay
    est_pairs = None
    step = 0
    for ep in range(a.epochs):
        m = torch.rand(tok.numel(), device=dev) < kp[tok]
        tt, dd = tok[m], doc[m]
        n = tt.numel()
        r = torch.randint(1, W + 1, (n,), device=dev)
        cs, xs = [], []
        for o in range(1, W + 1):
            same = dd[o:] == dd[:-o]
            v1 = same & (r[:-o] >= o)
            cs.append(tt[:-o][v1]); xs.append(tt[o:][v1])
            v2 = same & (r[o:] >= o)
            cs.append(tt[o:][v2]); xs.append(tt[:-o][v2])
        c = torch.cat(cs); x = torch.cat(xs)
        perm = torch.randperm(c.numel(), device=dev)
        c, x = c[perm], x[perm]
        npairs = c.numel()
        if est_pairs is None:
            est_pairs = npairs
            total_steps = a.epochs * math.ceil(est_pairs / B)
        tot_loss, nb = 0.0, 0
        for i in range(0, npairs, B):
            lr = a.lr * max(0.02, 1 - step / total_steps)
            for g in opt.param_groups:
                g['lr'] = lr
            cb, xb = c[i:i + B], x[i:i + B]
            nb_ = table[torch.randint(0, table_size, (cb.numel(), K), device=dev)]
            u = emb_in(cb)                       # [b,D]
            vpos = emb_out(xb)                   # [b,D]
            vneg = emb_out(nb_)                  # [b,K,D]
            sp = (u * vpos).sum(-1)
            sn = torch.bmm(vneg, u.unsqueeze(-1)).squeeze(-1)
            loss = -(torch.nn.functional.logsigmoid(sp) + torch.nn.functional.logsigmoid(-sn).sum(-1)).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if nb % 200 == 0:
                tot_loss += loss.item(); nb += 1
            else:
                nb += 1
        print('w2v%d epoch %d tokens(kept) %d pairs %d steps %d  loss(sampled) %.4f  %.1fs' % (
            D, ep + 1, n, npairs, step, loss.item(), time.time() - t0), flush=True)
    Wt = emb_in.weight.detach().float()
    os.makedirs(OUT, exist_ok=True)
    sfx = W2V_SUFFIX + ('u' if a.unsup_only else '')
    np.save(os.path.join(WORK, 'w2v%d%s.tmp.npy' % (D, sfx)), Wt.cpu().numpy())
    os.replace(os.path.join(WORK, 'w2v%d%s.tmp.npy' % (D, sfx)), os.path.join(WORK, 'w2v%d%s.npy' % (D, sfx)))
    Wn = Wt / Wt.norm(dim=1, keepdim=True).clamp(min=1e-8)
    w2i = {w: i for i, w in enumerate(itos)}
    lines = []
    for q in ['great', 'awful', 'bad', 'excellent', 'boring', 'movie', 'actor', 'funny', 'not']:
        if q not in w2i:
            continue
        sims = Wn @ Wn[w2i[q]]
        top = sims.topk(9).indices.tolist()[1:]
        lines.append('  %-10s -> %s' % (q, ', '.join(itos[j] for j in top)))
    msg = 'w2v%d neighbours:\n' % D + '\n'.join(lines)
    print(msg, flush=True)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'w2v_neighbours.txt'), 'a') as fh:
        fh.write(msg + '\n')


# ---------------------------------------------------------------- classifier
BASE = dict(emb='w2v100', freeze=False, hidden=64, bi=True, layers=1, pool='max', trunc='tail', maxlen=400,
            head_frac=1 / 3, emb_drop=0.0, drop=0.5, sched='none', lr=0.002, wd=1e-4, epochs=8, batch=64,
            clip=5.0, seed=42)

EXPS = {
    'A':       dict(emb='rand128', bi=False, hidden=128, pool='last'),
    'B':       dict(emb='w2v100', bi=False, hidden=128, pool='last'),
    'B200':    dict(emb='w2v200', bi=False, hidden=128, pool='last'),
    'C':       dict(),
    'C128':    dict(hidden=128),
    'C200':    dict(emb='w2v200'),
    'D_mean':  dict(pool='mean'),
    'D_mm':    dict(pool='maxmean'),
    'E_frz':   dict(freeze=True),
    'F2':      dict(layers=2),
    'G_ht400': dict(trunc='headtail'),
    'G_t600':  dict(maxlen=600),
    'G_ht600': dict(trunc='headtail', maxlen=600),
    'H_ed':    dict(emb_drop=0.25),
    'H_lin':   dict(sched='linear'),
    'H_half':  dict(sched='half'),
    'H_both':  dict(emb_drop=0.25, sched='linear'),
    'I':       dict(bi=False, hidden=128, pool='max'),
    'I200':    dict(emb='w2v200', bi=False, hidden=128, pool='max'),
}


def parse_overrides(s):
    cfg = {}
    for kv in s.split(';'):
        if not kv.strip():
            continue
        k, v = kv.split('=', 1)
        k = k.strip()
        t = type(BASE[k])
        cfg[k] = (v.lower() in ('1', 'true', 'yes')) if t is bool else t(v)
    return cfg


def emb_dim(cfg):
    e = cfg['emb'].rstrip('u')
    return int(e[4:]) if e.startswith('rand') else int(e[3:])


def lstm_macs(cfg):
    E, H = emb_dim(cfg), cfg['hidden']
    dirs = 2 if cfg['bi'] else 1
    tot, inp = 0, E
    for _ in range(cfg['layers']):
        tot += dirs * 4 * H * (inp + H)
        inp = dirs * H
    return tot


A_MACS = 4 * 128 * 256


def make_matrix(docs, cfg):
    L = cfg['maxlen']
    n = len(docs)
    M = np.zeros((n, L), dtype=np.int64)
    lens = np.zeros(n, dtype=np.int64)
    for i, x in enumerate(docs):
        if len(x) > L:
            if cfg['trunc'] == 'tail':
                x = x[-L:]
            else:
                h = int(round(L * cfg['head_frac']))
                x = np.concatenate([x[:h], x[-(L - h):]])
        M[i, :len(x)] = x  # right padded internally; packing makes this identical to masked align-end
        lens[i] = len(x)
    return M, lens


def run_exp(name, cfg, data, dev, log):
    import torch, torch.nn as nn
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    torch.manual_seed(cfg['seed'])
    np_rng = np.random.RandomState(cfg['seed'])
    trX, trL = make_matrix(data['tr_docs'], cfg)
    vaX, vaL = make_matrix(data['va_docs'], cfg)
    trY, vaY = data['tr_y'], data['va_y']
    trXg, trLg, trYg = torch.from_numpy(trX).to(dev), torch.from_numpy(trL), torch.from_numpy(trY).long().to(dev)
    vaXg, vaLg = torch.from_numpy(vaX).to(dev), torch.from_numpy(vaL)
    V = len(data['itos'])
    E = emb_dim(cfg)

    class Net(nn.Module):
        def __init__(s):
            super().__init__()
            s.emb = nn.Embedding(V, E, padding_idx=0)
            if cfg['emb'].startswith('w2v'):
                fn = os.path.join(WORK, 'w2v%d%s%s.npy' % (E, W2V_SUFFIX, 'u' if cfg['emb'].endswith('u') else ''))
                while not os.path.exists(fn):
                    time.sleep(2)
                time.sleep(1)
                w = torch.from_numpy(np.load(fn))
                w[0] = 0
                s.emb.weight.data.copy_(w)
            if cfg['freeze']:
                s.emb.weight.requires_grad_(False)
            s.edrop = nn.Dropout(cfg['emb_drop'])
            s.lstm = nn.LSTM(E, cfg['hidden'], num_layers=cfg['layers'], bidirectional=cfg['bi'], batch_first=True,
                             dropout=(cfg['drop'] if cfg['layers'] > 1 else 0.0))
            dirs = 2 if cfg['bi'] else 1
            feat = dirs * cfg['hidden'] * (2 if cfg['pool'] == 'maxmean' else 1)
            s.drop = nn.Dropout(cfg['drop'])
            s.out = nn.Linear(feat, 2)

        def forward(s, x, lens):
            e = s.edrop(s.emb(x))
            pk = pack_padded_sequence(e, lens, batch_first=True, enforce_sorted=False)
            o, (h, c) = s.lstm(pk)
            if cfg['pool'] == 'last':
                if cfg['bi']:
                    f = torch.cat([h[-2], h[-1]], dim=1)
                else:
                    f = h[-1]
            else:
                o, _ = pad_packed_sequence(o, batch_first=True, total_length=x.shape[1])
                mask = (torch.arange(x.shape[1], device=x.device)[None, :] < lens.to(x.device)[:, None]).unsqueeze(-1)
                fs = []
                if cfg['pool'] in ('max', 'maxmean'):
                    fs.append(o.masked_fill(~mask, -1e4).max(1).values)
                if cfg['pool'] in ('mean', 'maxmean'):
                    fs.append((o * mask).sum(1) / lens.to(x.device)[:, None].float())
                f = torch.cat(fs, 1)
            return s.out(s.drop(f))

    net = Net().to(dev)
    decay, nodecay = [], []
    for n_, p in net.named_parameters():
        if not p.requires_grad:
            continue
        (nodecay if n_.endswith('bias') else decay).append(p)
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': cfg['wd']}, {'params': nodecay, 'weight_decay': 0.0}],
                            lr=cfg['lr'])
    B = cfg['batch']
    N = len(trY)
    nbatches = math.ceil(N / B)
    total_steps = nbatches * cfg['epochs']
    vorder = np.argsort(vaL)
    res = dict(name=name, tok_per_doc=float(trL.mean()), cfg=cfg, macs=lstm_macs(cfg), rel_cost=lstm_macs(cfg) / A_MACS, accs=[], losses=[],
               epoch_s=[])
    step = 0
    t_start = time.time()
    probs_ep, snaps = [], []

    def predict_probs(model):
        model.eval()
        out = np.zeros((len(vaY), 2), np.float32)
        with torch.no_grad():
            for i in range(0, len(vorder), 256):
                idx = vorder[i:i + 256]
                bl = vaLg[idx]
                x = vaXg[torch.from_numpy(idx).to(dev), :int(bl.max())]
                out[idx] = torch.softmax(model(x, bl), 1).cpu().numpy()
        return out
    for ep in range(cfg['epochs']):
        net.train()
        t0 = time.time()
        perm = np_rng.permutation(N)
        W = 50 * B
        batches = []
        for i in range(0, N, W):
            chunk = perm[i:i + W]
            chunk = chunk[np.argsort(trL[chunk], kind='stable')]
            batches += [chunk[j:j + B] for j in range(0, len(chunk), B)]
        np_rng.shuffle(batches)
        tl, tn = 0.0, 0
        for bidx in batches:
            if cfg['sched'] == 'linear':
                lr = cfg['lr'] * (1 - step / total_steps)
            elif cfg['sched'] == 'cos':
                lr = cfg['lr'] * 0.5 * (1 + math.cos(math.pi * step / total_steps))
            elif cfg['sched'] == 'half':
                lr = cfg['lr'] * (0.5 ** ep)
            else:
                lr = cfg['lr']
            for g in opt.param_groups:
                g['lr'] = lr
            bl = trLg[bidx]
            ml = int(bl.max())
            bi = torch.from_numpy(bidx).to(dev)
            x = trXg[bi, :ml]
            y = trYg[bi]
            logits = net(x, bl)
            loss = nn.functional.cross_entropy(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), cfg['clip'])
            opt.step()
            step += 1
            tl += loss.detach(); tn += 1
        tl = float(tl) / tn
        t1 = time.time()
        net.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(vorder), 256):
                idx = vorder[i:i + 256]
                bl = vaLg[idx]
                x = vaXg[torch.from_numpy(idx).to(dev), :int(bl.max())]
                pred = net(x, bl).argmax(1).cpu().numpy()
                correct += int((pred == vaY[idx]).sum())
        acc = correct / len(vaY)
        probs_ep.append(predict_probs(net))
        snaps.append({k: v.detach().clone() for k, v in net.state_dict().items()})
        if len(snaps) >= 2:
            saved = snaps[-1]
            avg = {k: (snaps[-1][k].float() + snaps[-2][k].float()) / 2 for k in saved}
            net.load_state_dict(avg)
            pa = predict_probs(net)
            res.setdefault('avg2_accs', []).append(float(((pa[:, 1] > 0.5) == (vaY == 1)).mean()))
            net.load_state_dict(saved)
            snaps = snaps[-1:]
        res['accs'].append(acc); res['losses'].append(tl); res['epoch_s'].append(t1 - t0)
        log('%-9s ep %d loss %.4f val %.4f  (train %.1fs, total %.0fs)' % (name, ep + 1, tl, acc, t1 - t0,
                                                                          time.time() - t_start))
    os.makedirs(os.path.join(OUT, 'probs'), exist_ok=True)
    np.save(os.path.join(OUT, 'probs', '%s.npy' % name), np.stack(probs_ep).astype(np.float16))
    res['data'] = DATA
    res['best'] = max(res['accs'])
    res['best_ep'] = int(np.argmax(res['accs'])) + 1
    res['first_915'] = next((i + 1 for i, a_ in enumerate(res['accs']) if a_ >= 0.915), None)
    return res


def cmd_exp(a):
    import torch
    torch.set_num_threads(a.threads)
    torch.backends.cudnn.benchmark = False
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    dev = 'cuda' if torch.cuda.is_available() else 'cpu'
    d = load_data()
    data = dict(tr_docs=split_flat(d['tr_flat'].astype(np.int64), d['tr_len']), tr_y=d['tr_y'],
                va_docs=split_flat(d['va_flat'].astype(np.int64), d['va_len']), va_y=d['va_y'], itos=d['itos'])
    os.makedirs(OUT, exist_ok=True)
    tag = a.tag

    def log(s):
        print('[%s] %s' % (tag, s), flush=True)
    t0 = time.time()
    for spec in a.names.split(','):
        if not spec:
            continue
        if time.time() - t0 > a.budget:
            log('budget exhausted, skipping %s' % spec)
            continue
        if ':' in spec:  # NAME:k=v;k=v
            name, ov = spec.split(':', 1)
            cfg = dict(BASE, **EXPS.get(name.split('+')[0], {}))
            cfg.update(parse_overrides(ov))
        else:
            name = spec
            cfg = dict(BASE, **EXPS[name])
        if a.epochs:
            cfg['epochs'] = a.epochs
        res = run_exp(name, cfg, data, dev, log)
        res['tag'] = tag
        with open(os.path.join(OUT, 'results.jsonl'), 'a') as fh:
            fh.write(json.dumps(res) + '\n')
        log('DONE %-9s best %.4f @ep%d rel_cost %.2f accs %s' % (name, res['best'], res['best_ep'], res['rel_cost'],
                                                               ' '.join('%.3f' % x for x in res['accs'])))


def cmd_report(a):
    rows = [json.loads(l) for f in a.files for l in open(f)]
    print('%-12s %-40s %5s %6s %3s %5s  %s' % ('name', 'arch', 'cost', 'best', 'ep', '91.5@', 'per-epoch val acc'))
    for r in rows:
        c = r['cfg']
        arch = '%s %s%s%d %s %s%d%s%s' % (c['emb'] + ('frz' if c['freeze'] else ''), 'Bi' if c['bi'] else 'Uni',
                                   '2x' if c['layers'] > 1 else '', c['hidden'], c['pool'],
                                   'T' if c['trunc'] == 'tail' else 'HT', c['maxlen'],
                                   ' ed%.2g' % c['emb_drop'] if c['emb_drop'] else '',
                                   ' ' + c['sched'] if c['sched'] != 'none' else '')
        print('%-12s %-40s %5.2f %6.4f %3d %5s  %s  (%.1fs/ep)' % (
            r['name'][:12], arch, r['rel_cost'], r['best'], r['best_ep'], r['first_915'] or '-',
            ' '.join('%.4f' % x for x in r['accs']), float(np.mean(r['epoch_s']))))


def main():
    ap = argparse.ArgumentParser()
    sp = ap.add_subparsers(dest='cmd')
    p = sp.add_parser('prep'); p.add_argument('--quick', type=int, default=0); p.add_argument('--procs', type=int, default=16)
    p.add_argument('--vocab', type=int, default=30000); p.add_argument('--split-seed', type=int, default=42)
    p = sp.add_parser('w2v'); p.add_argument('--dim', type=int, default=100); p.add_argument('--epochs', type=int, default=4)
    p.add_argument('--window', type=int, default=5); p.add_argument('--neg', type=int, default=5)
    p.add_argument('--sample', type=float, default=1e-4); p.add_argument('--lr', type=float, default=0.004)
    p.add_argument('--batch', type=int, default=16384); p.add_argument('--unsup-only', action='store_true')
    p = sp.add_parser('exp'); p.add_argument('--names', required=True); p.add_argument('--tag', default='w0')
    p.add_argument('--epochs', type=int, default=0); p.add_argument('--threads', type=int, default=2)
    p.add_argument('--budget', type=float, default=1e9)
    p = sp.add_parser('report'); p.add_argument('files', nargs='+')
    a = ap.parse_args()
    {'prep': cmd_prep, 'w2v': cmd_w2v, 'exp': cmd_exp, 'report': cmd_report}[a.cmd](a)


if __name__ == '__main__':
    main()
