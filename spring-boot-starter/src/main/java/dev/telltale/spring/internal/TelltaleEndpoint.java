package dev.telltale.spring.internal;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import java.util.Map;

/** {@code /actuator/telltale}: active and pending findings with their evidence, and the last run of every detector. */
@Endpoint(id = "telltale")
public class TelltaleEndpoint {
    private final EngineView view;

    public TelltaleEndpoint(EngineView view) {
        this.view = view;
    }

    @ReadOperation
    public Map<String, Object> findings() {
        return view.document();
    }
}
