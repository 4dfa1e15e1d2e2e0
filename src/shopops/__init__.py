"""shopops: the back office of an online store's e-commerce department."""
