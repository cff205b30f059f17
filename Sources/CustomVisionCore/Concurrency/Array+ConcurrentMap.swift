import Dispatch

extension Array where Element: Sendable {
    /// `map` run on every core (`DispatchQueue.concurrentPerform`), the results in the array's order.
    ///
    /// For independent, mostly blocking or CPU-bound work on each element (reading and parsing files); the calling
    /// thread takes part and the call returns when every element is done.
    package func concurrentMap<Result: Sendable>(_ transform: @Sendable (Element) -> Result) -> [Result] {
        guard count > 1 else { return map(transform) }
        return [Result](unsafeUninitializedCapacity: count) { buffer, initialized in
            let slots = Slots(base: buffer.baseAddress!)
            self.withUnsafeBufferPointer { elements in
                let source = Slots(base: UnsafeMutablePointer(mutating: elements.baseAddress!))
                DispatchQueue.concurrentPerform(iterations: elements.count) { index in
                    // Each index is written by exactly one iteration.
                    (slots.base + index).initialize(to: transform(source.base[index]))
                }
            }
            initialized = count
        }
    }
}

/// A pointer handed to `concurrentPerform`'s iterations, each of which touches only its own index.
private struct Slots<Value>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Value>
}
