print("cvctl: not yet implemented")
