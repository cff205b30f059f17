import Foundation

extension URL {
    /// True when a request here would carry its key unencrypted to another machine: plain `http://` to a host that
    /// is not this one. `localhost` (and `*.localhost`), `127.0.0.0/8` and `::1` are this machine: a cvserver on
    /// loopback is the expected plain-HTTP case.
    package var sendsKeysInClearText: Bool {
        guard scheme?.lowercased() == "http" else { return false }
        let host = (host ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.") || host.hasSuffix(".localhost")
        return !loopback
    }
}
