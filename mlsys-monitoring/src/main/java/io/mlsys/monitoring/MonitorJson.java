package io.mlsys.monitoring;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.mlsys.config.ConfigBinder;
import java.io.IOException;
import java.time.Instant;

/**
 * The JSON of monitor states and alerts: snake_case keys, instants in ISO-8601, enums as config
 * spells them ({@code feature-drifted}).
 */
final class MonitorJson {
  private MonitorJson() {}

  static ObjectMapper mapper() {
    SimpleModule module = new SimpleModule("mlsys-monitoring");
    module.addSerializer(Instant.class, ToStringSerializer.instance);
    module.addSerializer(AlertRule.Signal.class, new EnumName<>(AlertRule.Signal.class));
    module.addSerializer(AlertRule.Severity.class, new EnumName<>(AlertRule.Severity.class));
    module.addSerializer(Alert.Status.class, new EnumName<>(Alert.Status.class));
    return JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .addModule(module)
        .build();
  }

  private static final class EnumName<E extends Enum<E>> extends StdSerializer<E> {
    private static final long serialVersionUID = 1L;

    EnumName(Class<E> type) {
      super(type);
    }

    @Override
    public void serialize(E value, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      generator.writeString(ConfigBinder.nameOf(value));
    }
  }
}
