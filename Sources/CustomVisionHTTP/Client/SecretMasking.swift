import Foundation

/// Masks the secrets a URL or a message about one can carry besides the key: the password of a
/// `user:password@` part, and the values of query items that grant access on their own — a SAS signature (`sig`),
/// an ImportProject `token`, or a key passed in the query. Used for log lines and error messages.
package enum SecretMasking {
    /// Query item names (compared ignoring case) whose values are masked.
    package static let secretQueryItems: Set<String> = [
        "sig", "signature", "token", "key", "code", "password", "secret", "subscription-key",
        "training-key", "prediction-key",
    ]

    /// Header names (compared ignoring case) whose values are secrets.
    package static let secretHeaders: Set<String> = [
        "training-key", "prediction-key", "ocp-apim-subscription-key", "authorization", "proxy-authorization",
    ]

    /// `text` with every `://user:password@` password and every secret query item's value replaced by `***`.
    package static func mask(_ text: String) -> String {
        guard text.contains("=") || text.contains("@") else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            // `?name=` or `&name=`: mask the value when the name is a secret's.
            if c == "?" || c == "&" {
                var j = i + 1
                while j < scalars.count, isNameScalar(scalars[j]) { j += 1 }
                if j < scalars.count, scalars[j] == "=", j > i + 1 {
                    let name = String(String.UnicodeScalarView(scalars[(i + 1)..<j])).lowercased()
                    out.unicodeScalars.append(contentsOf: scalars[i...j])
                    var k = j + 1
                    while k < scalars.count, !endsValue(scalars[k]) { k += 1 }
                    if secretQueryItems.contains(name), k > j + 1 {
                        out += "***"
                    } else {
                        out.unicodeScalars.append(contentsOf: scalars[(j + 1)..<k])
                    }
                    i = k
                    continue
                }
            }
            // `://user:password@host`: mask the password.
            if c == ":", i + 2 < scalars.count, scalars[i + 1] == "/", scalars[i + 2] == "/",
                let masked = maskedUserInfo(scalars, from: i + 3)
            {
                out += "://" + masked.text
                i = masked.end
                continue
            }
            out.unicodeScalars.append(c)
            i += 1
        }
        return out
    }

    /// The user-info part starting at `start` with its password masked, and where it ends (after the `@`); nil
    /// when there is no `user:password@` before the host.
    private static func maskedUserInfo(_ scalars: [Unicode.Scalar], from start: Int) -> (text: String, end: Int)? {
        var colon: Int?
        var i = start
        while i < scalars.count {
            let c = scalars[i]
            if c == "@" {
                guard let colon, colon > start else { return nil }
                return (String(String.UnicodeScalarView(scalars[start..<colon])) + ":***@", i + 1)
            }
            if c == "/" || c == "?" || c == "#" || endsValue(c) { return nil }
            if c == ":", colon == nil { colon = i }
            i += 1
        }
        return nil
    }

    private static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_" || c == "."
    }

    /// Where a query value ends in running text.
    private static func endsValue(_ c: Unicode.Scalar) -> Bool {
        c == "&" || c == "#" || c == "\"" || c == "'" || c == "<" || c == ">" || c == ")" || c == "]"
            || c == "," || c.properties.isWhitespace
    }
}
