import CustomVisionCore

/// Compares two byte strings in time independent of where they differ.
func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    let x = SHA256.hash(a)
    let y = SHA256.hash(b)
    var diff: UInt8 = 0
    for i in 0..<32 { diff |= x[i] ^ y[i] }
    return diff == 0
}
