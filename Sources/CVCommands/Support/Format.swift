import Foundation

/// Small formatting helpers for tables.
enum Format {
    /// `0.8512` → `85.1%`; nil → `-`.
    static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.1f%%", value * 100)
    }

    /// A date as `2026-01-02 03:04`; nil → `-`.
    static func date(_ date: Date?) -> String {
        guard let date else { return "-" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// A fixed-point number.
    static func number(_ value: Double?, digits: Int = 3) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.\(digits)f", value)
    }
}
