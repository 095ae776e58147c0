package dev.podstage.evaluate;

/** Which stored results count: one Airflow run's and/or one model's; "" means all. */
record Scope(String runId, String model) {

    String describe() {
        return (runId.isEmpty() ? "every run" : "run " + runId) + ", "
                + (model.isEmpty() ? "every model" : "model " + model);
    }
}
