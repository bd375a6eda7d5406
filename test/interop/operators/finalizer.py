"""A mandatory delete handler: Kopf puts its finalizer on every object and releases it after `cleanup`."""
import kopf


@kopf.on.create('kopfexamples', id='create')
def create(**_):
    return {'by': 'kopf'}


@kopf.on.delete('kopfexamples', id='cleanup')
def cleanup(logger, **_):
    logger.info('cleaned up by kopf')
