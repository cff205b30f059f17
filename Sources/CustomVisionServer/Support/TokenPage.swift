import CustomVisionCore
import Foundation

/// The page a query token's `continuation` and `maxCount` ask for (QueryPredictions, QuerySuggestedImages).
///
/// The continuation is the offset this server handed out; one it did not (unparsable or negative) starts over.
/// A negative `maxCount` is refused, a larger one than a listing's `take` is capped.
struct TokenPage: Sendable {
    var skip: Int
    var count: Int

    /// `(skip, count)`.
    var bounds: (Int, Int) { (skip, count) }

    init(continuation: String?, maxCount: Int?, code: CustomVisionErrorCode) throws {
        let count = maxCount ?? 50
        guard count >= 0 else { throw APIError.badRequest("maxCount must not be negative.", code: code) }
        skip = max(0, Int(continuation ?? "") ?? 0)
        self.count = min(count, ServiceLimits.maxTake)
    }
}
