"""A create and an update handler, to see whose last-handled-configuration Kopf takes as its own.

The update handler writes the diff it got as one JSON line, for the test to compare.
"""
import json

import kopf


@kopf.on.create('kopfexamples', id='create')
def create(**_):
    return {'by': 'kopf'}


@kopf.on.update('kopfexamples', id='update')
def update(diff, logger, **_):
    logger.info('update diff: %s', json.dumps([list(item) for item in diff]))
    return {'by': 'kopf'}
