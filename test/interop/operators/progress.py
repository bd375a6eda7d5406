"""Two create handlers whose progress kopf-ts must pick up, or leave for Kopf to pick up.

`first` always succeeds. `second` fails with a temporary error while INTEROP_SECOND_FAILS=1, so that Kopf
leaves the object half-handled, and succeeds otherwise. Both store who ran them in the status.
"""
import os

import kopf


@kopf.on.create('kopfexamples', id='first')
def first(**_):
    return {'by': 'kopf'}


@kopf.on.create('kopfexamples', id='second')
def second(**_):
    if os.environ.get('INTEROP_SECOND_FAILS') == '1':
        raise kopf.TemporaryError('not yet', delay=1)
    return {'by': 'kopf'}
