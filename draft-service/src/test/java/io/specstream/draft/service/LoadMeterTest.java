package io.specstream.draft.service;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadMeterTest {

    private static final long MS = 1_000_000L;
    /** An arbitrary clock origin: System.nanoTime() has none, so the meter must only use differences. */
    private static final long START = 7_654_321_000L;

    private final LoadMeter meter = new LoadMeter(1_000, START);

    @Test
    void noIntervalIsReportedBeforeItsLengthHasPassed() {
        meter.busy(100 * MS);

        assertEquals(Optional.empty(), meter.tick(START + 999 * MS));
    }

    @Test
    void anIntervalIsReportedOnceItsLengthHasPassed() {
        LoadMeter.Interval interval = meter.tick(START + 1_000 * MS).orElseThrow();

        assertEquals(1_000, interval.intervalMs());
        assertEquals(0.0, interval.busyFraction());
    }

    @Test
    void theBusyFractionIsTheBusyShareOfTheInterval() {
        meter.busy(200 * MS);
        meter.busy(50 * MS);

        assertEquals(0.25, meter.tick(START + 1_000 * MS).orElseThrow().busyFraction(), 1e-12);
    }

    @Test
    void aLateTickMeasuresTheShareOverTheWholeElapsedTime() {
        meter.busy(500 * MS);

        LoadMeter.Interval interval = meter.tick(START + 2_000 * MS).orElseThrow();

        assertEquals(2_000, interval.intervalMs());
        assertEquals(0.25, interval.busyFraction(), 1e-12);
    }

    @Test
    void theBusyFractionIsCappedAtOne() {
        meter.busy(1_500 * MS);

        assertEquals(1.0, meter.tick(START + 1_000 * MS).orElseThrow().busyFraction());
    }

    @Test
    void aNewIntervalStartsAtTheTick() {
        meter.tick(START + 1_000 * MS);

        assertEquals(Optional.empty(), meter.tick(START + 1_999 * MS));
        assertTrue(meter.tick(START + 2_000 * MS).isPresent());
    }

    @Test
    void theNewIntervalCountsOnlyTheBusyTimeAfterTheTick() {
        meter.busy(800 * MS);
        meter.tick(START + 1_000 * MS);
        meter.busy(100 * MS);

        assertEquals(0.1, meter.tick(START + 2_000 * MS).orElseThrow().busyFraction(), 1e-12);
    }

    @Test
    void anIntervalShorterThanOneMillisecondIsRefusedNamingTheAllowedValues() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new LoadMeter(0, START));

        assertTrue(refused.getMessage().contains("0 ms"), refused.getMessage());
        assertTrue(refused.getMessage().contains("allowed values: >= 1"), refused.getMessage());
    }
}
