"""Runs torch.optim on a fixed parameter/gradient sequence and prints the trajectory as JSON (ground truth for optimizer.ts)."""
import json, sys
import torch

cfg = json.loads(sys.argv[1])
p = torch.nn.Parameter(torch.tensor(cfg["params"], dtype=torch.float32))
if cfg["kind"] == "sgd":
    opt = torch.optim.SGD([p], lr=cfg["lr"], momentum=cfg["momentum"], nesterov=cfg["nesterov"], weight_decay=cfg["weightDecay"])
else:
    opt = torch.optim.Adam([p], lr=cfg["lr"], betas=(cfg["beta1"], cfg["beta2"]), eps=cfg["eps"], weight_decay=cfg["weightDecay"])
out = []
for g in cfg["grads"]:
    p.grad = torch.tensor(g, dtype=torch.float32)
    opt.step()
    out.append(p.detach().tolist())
print(json.dumps(out))
