print("cvserver: not yet implemented")
