// The clients' signatures are made of CustomVisionCore models: importing this module brings them along.
@_exported import CustomVisionCore
