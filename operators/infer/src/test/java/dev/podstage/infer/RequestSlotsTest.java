package dev.podstage.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RequestSlotsTest {

    private final List<RequestSlots.Ready> launched = new CopyOnWriteArrayList<>();

    private RequestSlots slots(int maxInFlight, OptionalDouble limit) {
        return new RequestSlots(maxInFlight, new Budget(limit, 0), launched::add);
    }

    private static RequestSlots.Ready request(double estimate) {
        return new RequestSlots.Ready(List.of(), List.of(), new byte[0], estimate);
    }

    @Test
    void launchesUpToTheSlotCountAndNoMore() {
        RequestSlots slots = slots(2, OptionalDouble.empty());
        for (int i = 0; i < 5; i++) {
            slots.add(request(0));
        }
        assertFalse(slots.fill());
        assertEquals(2, launched.size());
        assertEquals(3, slots.queued());
        assertEquals(2, slots.launched());
    }

    @Test
    void anEndedRequestHandsItsSlotOnFromTheThreadThatSawItEnd() throws InterruptedException {
        List<String> launchers = new ArrayList<>();
        RequestSlots watched = new RequestSlots(
                1,
                new Budget(OptionalDouble.empty(), 0),
                ready -> launchers.add(Thread.currentThread().getName()));
        watched.add(request(0));
        watched.add(request(0));
        watched.fill();
        Thread eventLoop = new Thread(() -> watched.ended(true), "event-loop");
        eventLoop.start();
        eventLoop.join();
        assertEquals(List.of(Thread.currentThread().getName(), "event-loop"), launchers);
        assertEquals(0, watched.queued());
    }

    @Test
    void anEndingThatMustNotRefillLeavesTheQueueToTheMainThread() {
        RequestSlots slots = slots(1, OptionalDouble.empty());
        slots.add(request(0));
        slots.add(request(0));
        slots.fill();
        slots.ended(false);
        assertEquals(1, launched.size());
        assertEquals(1, slots.queued());
    }

    @Test
    void closedSlotsLaunchNothing() {
        RequestSlots slots = slots(4, OptionalDouble.empty());
        slots.add(request(0));
        slots.close();
        assertFalse(slots.fill());
        assertTrue(launched.isEmpty());
    }

    @Test
    void theBudgetHoldsRequestsBackWhileEstimatesAreReservedAndStopsTheRunOnlyWhenNothingIsOut() {
        RequestSlots slots = slots(4, OptionalDouble.of(1.0));
        slots.add(request(0.6));
        slots.add(request(0.6));
        assertFalse(slots.fill(), "one is out and may settle cheaper: wait, don't stop");
        assertEquals(1, launched.size());
        slots.ended(true);
        assertFalse(slots.fill(), "ended but not settled: its estimate is still reserved");
        assertEquals(1, launched.size());
        slots.settle(0.6, 0.1);
        assertFalse(slots.fill(), "settled cheaper: the second fits now");
        assertEquals(2, launched.size());
        slots.add(request(0.6));
        slots.ended(false);
        slots.settle(0.6, 0.5);
        assertTrue(slots.fill(), "0.6 spent, nothing out: 0.6 more would cross the limit");
        assertEquals(2, launched.size());
        assertEquals(0.6, slots.spent(), 1e-9);
    }
}
