package dev.semafor.lab;

import dev.semafor.ExecutionModel;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option converters that accept lower-case names and say what was expected. */
final class Converters {
  private Converters() {}

  /** {@code sequential}, {@code threads}, {@code virtual}, {@code processes}. */
  static final class Model implements ITypeConverter<ExecutionModel> {
    @Override
    public ExecutionModel convert(String value) {
      try {
        return ExecutionModel.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code sleep}, {@code cpu}. */
  static final class Work implements ITypeConverter<SpinnerLab.Work> {
    @Override
    public SpinnerLab.Work convert(String value) {
      try {
        return SpinnerLab.Work.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("unknown work '" + value + "' (expected sleep or cpu)");
      }
    }
  }
}
