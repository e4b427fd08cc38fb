package dev.semafor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * A {@link JsonFactory} whose parsers refuse input that Jackson would otherwise change without a
 * word: a number too large for a 64-bit float (such as {@code 1e999999}, which reads as Infinity
 * and is written back as the string {@code "Infinity"}) and a string or field name holding a lone
 * UTF-16 surrogate (such as {@code "\ud800"}, which a UTF-8 store writes as {@code ?}). Duplicate
 * keys are refused by the factory's {@code STRICT_DUPLICATE_DETECTION}, which {@link
 * Json#defaultMapper()} turns on. Every refusal is a {@link RefusedJsonException} carrying the
 * location.
 */
final class StrictJsonFactory extends JsonFactory {
  private static final long serialVersionUID = 1L;

  StrictJsonFactory(JsonFactoryBuilder builder) {
    super(builder);
  }

  private StrictJsonFactory(StrictJsonFactory src) {
    super(src, null);
  }

  @Override
  public JsonFactory copy() {
    return new StrictJsonFactory(this);
  }

  @Override
  protected JsonParser _createParser(InputStream in, IOContext ctxt) throws IOException {
    return new Checked(super._createParser(in, ctxt));
  }

  @Override
  protected JsonParser _createParser(Reader r, IOContext ctxt) throws IOException {
    return new Checked(super._createParser(r, ctxt));
  }

  @Override
  protected JsonParser _createParser(
      char[] data, int offset, int len, IOContext ctxt, boolean recyclable) throws IOException {
    return new Checked(super._createParser(data, offset, len, ctxt, recyclable));
  }

  @Override
  protected JsonParser _createParser(byte[] data, int offset, int len, IOContext ctxt)
      throws IOException {
    return new Checked(super._createParser(data, offset, len, ctxt));
  }

  @Override
  protected JsonParser _createParser(DataInput input, IOContext ctxt) throws IOException {
    return new Checked(super._createParser(input, ctxt));
  }

  /** Whether {@code s} holds a high surrogate not followed by a low one, or a low one alone. */
  static boolean hasLoneSurrogate(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks each token as it is read. Every way of advancing goes through {@link #nextToken()}, so
   * that the delegate's shortcuts ({@code nextFieldName()} and friends) cannot skip the check.
   */
  private static final class Checked extends JsonParserDelegate {
    Checked(JsonParser delegate) {
      super(delegate);
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken t = delegate.nextToken();
      if (t == JsonToken.FIELD_NAME) {
        checkText(delegate.currentName(), "field name");
      } else if (t == JsonToken.VALUE_STRING) {
        checkText(delegate.getText(), "string");
      } else if (t == JsonToken.VALUE_NUMBER_FLOAT && !Double.isFinite(delegate.getDoubleValue())) {
        throw new RefusedJsonException(
            this,
            "number "
                + abbreviate(delegate.getText())
                + " is out of range (it does not fit a 64-bit float)");
      }
      return t;
    }

    private void checkText(String text, String what) throws JsonParseException {
      if (text != null && hasLoneSurrogate(text)) {
        throw new RefusedJsonException(
            this, what + " holds a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape)");
      }
    }

    @Override
    public JsonToken nextValue() throws IOException {
      JsonToken t = nextToken();
      return t == JsonToken.FIELD_NAME ? nextToken() : t;
    }

    @Override
    public boolean nextFieldName(SerializableString name) throws IOException {
      return nextToken() == JsonToken.FIELD_NAME && name.getValue().equals(currentName());
    }

    @Override
    public String nextFieldName() throws IOException {
      return nextToken() == JsonToken.FIELD_NAME ? currentName() : null;
    }

    @Override
    public String nextTextValue() throws IOException {
      return nextToken() == JsonToken.VALUE_STRING ? getText() : null;
    }

    @Override
    public int nextIntValue(int defaultValue) throws IOException {
      return nextToken() == JsonToken.VALUE_NUMBER_INT ? getIntValue() : defaultValue;
    }

    @Override
    public long nextLongValue(long defaultValue) throws IOException {
      return nextToken() == JsonToken.VALUE_NUMBER_INT ? getLongValue() : defaultValue;
    }

    @Override
    public Boolean nextBooleanValue() throws IOException {
      JsonToken t = nextToken();
      return t == JsonToken.VALUE_TRUE
          ? Boolean.TRUE
          : t == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
    }

    private static String abbreviate(String text) {
      return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
  }
}
