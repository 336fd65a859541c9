"""normalize: consumes wirelog:raw, emits one ItemNormalized per bulletin item into wirelog:normalized."""
