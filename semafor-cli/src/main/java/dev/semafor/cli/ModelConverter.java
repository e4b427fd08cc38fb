package dev.semafor.cli;

import dev.semafor.ExecutionModel;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --model} with {@link ExecutionModel#parse}, so the error names the choices. */
final class ModelConverter implements ITypeConverter<ExecutionModel> {
  @Override
  public ExecutionModel convert(String text) {
    try {
      return ExecutionModel.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
