"""
Example 01 of kopf-ts (examples/01-minimal/example.ts) for Kopf, so that bench/versus-kopf.ts runs the
same operator on both frameworks: one create handler whose result becomes the object's status.
Kopf names the handler `create_fn`, so the result lands in `status.create_fn`.

    kopf run -A --standalone bench/kopf-example-01.py
"""
import json

import kopf


@kopf.on.create('kopfexamples')
def create_fn(spec, **_):
    # Flushed at once: the benchmark times the handler's start by the moment this line arrives.
    print(f"And here we are! Creating: {json.dumps(dict(spec))}", flush=True)
    return {'message': 'hello world'}
