package dev.telltale.core;

/** The seven families of the problem catalogue; the id is the prefix of every problem id. */
public enum Category {
    AVAILABILITY("availability", "Availability"),
    CONCURRENCY("concurrency", "Concurrency"),
    CONSISTENCY("consistency", "Consistency"),
    PERFORMANCE("performance", "Performance"),
    SCALABILITY("scalability", "Scalability"),
    DATA_INTEGRITY("data-integrity", "Data integrity"),
    COST_OPTIMIZATION("cost-optimization", "Cost");

    private final String id;
    private final String title;

    Category(String id, String title) {
        this.id = id;
        this.title = title;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }
}
