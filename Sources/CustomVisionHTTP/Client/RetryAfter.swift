import Foundation

/// Reads the server's requested delay from `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After`
/// (delta-seconds or an HTTP date, RFC 9110 §10.2.3).
enum RetryAfter {
    static func delay(in headers: TransportHeaders, now: Date = Date()) -> Duration? {
        for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
            if let text = headers[name], let ms = Double(text.trimmingCharacters(in: .whitespaces)), ms >= 0 {
                return .milliseconds(Int64(ms))
            }
        }
        guard let text = headers["Retry-After"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return nil
        }
        if let seconds = Int(text) { return .seconds(max(0, seconds)) }
        guard let date = httpDate(text) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime.
    static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
