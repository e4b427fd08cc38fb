package dev.semafor.lab;

import dev.semafor.ExecutionModel;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/** Option converters that accept lower-case names and say what was expected. */
final class Converters {
  private Converters() {}

  /** {@code sequential}, {@code threads}, {@code virtual}, {@code processes}. */
  static final class Model implements ITypeConverter<ExecutionModel> {
    @Override
    public ExecutionModel convert(String value) {
      return ExecutionModel.parse(value);
    }
  }

  /** {@code sleep}, {@code cpu}. */
  static final class Work implements ITypeConverter<SpinnerLab.Work> {
    @Override
    public SpinnerLab.Work convert(String value) {
      try {
        return SpinnerLab.Work.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown work '" + value + "' (expected sleep or cpu)", e);
      }
    }
  }
}
