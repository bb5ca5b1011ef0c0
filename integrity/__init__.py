"""``otop-pos check``: the rules PRODUCT.md calls not negotiable, verified on every domain's
stored data."""
