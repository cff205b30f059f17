import CustomVisionCore
import ImagePrep
import Testing

@testable import CVCommands

struct RenderingTests {
    private func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
        let i = (y * image.width + x) * 3
        return Array(image.pixels[i..<i + 3])
    }

    @Test func drawsTheBoxOutlineAndLeavesTheInsideAlone() {
        let image = RGBImage(width: 100, height: 100, fill: (255, 255, 255))
        let label = BoxDrawer.Label(box: BoundingBox(left: 0.2, top: 0.3, width: 0.5, height: 0.4), text: "crazing 91%")
        let drawn = BoxDrawer(thickness: 2).draw([label], on: image) { _ in 0 }
        let red: [UInt8] = [230, 25, 75]
        #expect(pixel(drawn, 20, 50) == red)  // left edge
        #expect(pixel(drawn, 69, 50) == red)  // right edge
        #expect(pixel(drawn, 45, 69) == red)  // bottom edge
        #expect(pixel(drawn, 45, 50) == [255, 255, 255])  // inside
        #expect(pixel(drawn, 5, 95) == [255, 255, 255])  // outside
        // The caption bar sits above the box, with black glyph pixels in it.
        let caption = (21..<80).map { pixel(drawn, $0, 25) }
        #expect(caption.contains([0, 0, 0]) && caption.contains(red))
    }

    @Test func clipsBoxesThatLeaveTheImage() {
        let image = RGBImage(width: 40, height: 30, fill: (0, 0, 0))
        let label = BoxDrawer.Label(box: BoundingBox(left: 0.9, top: 0.9, width: 0.5, height: 0.5), text: "x")
        let drawn = BoxDrawer().draw([label], on: image) { _ in 1 }
        #expect(drawn.pixels.count == image.pixels.count)
        #expect(pixel(drawn, 39, 29) == [60, 180, 75])
    }

    @Test func tableAlignsColumnsAndRightAlignsNumbers() {
        let table = TextTable(headers: ["TAG", "AP"], rows: [["crazing", "91.0%"], ["patches", "5.5%"]])
        #expect(table.render() == """
            TAG      AP
            -------  -----
            crazing  91.0%
            patches   5.5%
            """)
    }

    @Test func progressLineShowsRateAndETA() {
        let line = ProgressReporter.line(done: 50, total: 200, elapsed: 5, label: "images", barWidth: 10)
        #expect(line == "[==>       ] 50/200 images  10.0/s  ETA 15s")
        let done = ProgressReporter.line(done: 200, total: 200, elapsed: 125, label: "images", barWidth: 0)
        #expect(done == "200/200 images  1.6/s  2m05s")
    }

    @Test func plotsCurvesInTheirColoursInsideTheAxes() {
        let curve = PRPlot.Series(name: "crazing", points: [PRPlot.PRPoint(recall: 0.5, precision: 0.5),
                                                              PRPlot.PRPoint(recall: 1, precision: 0)])
        let image = PRPlot().render([curve])
        #expect(image.width == 480 && image.height == 480)
        #expect(pixel(image, 240, 240) == [230, 25, 75])  // the point (0.5, 0.5) in the first colour
        #expect(pixel(image, 40, 300) == [0, 0, 0])  // the precision axis
        #expect(pixel(image, 100, 100) == [255, 255, 255])  // empty plot area
    }
}
