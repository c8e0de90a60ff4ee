package dev.grpcshop.bench;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** PNG charts of a benchmark run (JFreeChart, headless): throughput and latency per scenario and target. */
final class Charts {

    private Charts() {
    }

    static void write(Map<String, LoadGenerator.Result> results, Path dir) throws IOException {
        bar(results, "Throughput per scenario (calls/s; streams: messages/s), log scale", "per second", 10,
                r -> r.messagesPerSecond() > r.callsPerSecond() * 1.5 ? r.messagesPerSecond() : r.callsPerSecond(),
                dir.resolve("benchmarks-throughput.png"));
        bar(results, "p99 latency per scenario (ms; fan-out: event to delivery), log scale", "ms", 0.1,
                LoadGenerator.Result::p99Ms, dir.resolve("benchmarks-p99.png"));
    }

    private static void bar(Map<String, LoadGenerator.Result> results, String title, String unit, double floor,
            ToDoubleFunction<LoadGenerator.Result> value, Path png) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        results.forEach((name, r) -> {
            String[] scenarioAndTarget = name.split("/", 2);
            data.addValue(Math.max(floor, value.applyAsDouble(r)), scenarioAndTarget[1], scenarioAndTarget[0]);
        });
        JFreeChart chart = ChartFactory.createBarChart(title, "scenario", unit, data, PlotOrientation.VERTICAL,
                true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        LogAxis log = new LogAxis(unit);
        log.setSmallestValue(floor);
        log.setBase(10);
        log.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        plot.setRangeAxis(log);
        log.setLowerBound(floor);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 520);
    }
}
