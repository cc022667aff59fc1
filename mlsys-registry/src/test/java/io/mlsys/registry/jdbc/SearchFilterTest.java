package io.mlsys.registry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InvalidInputException;
import io.mlsys.registry.jdbc.SearchFilter.Comparison;
import io.mlsys.registry.jdbc.SearchFilter.Key;
import io.mlsys.registry.jdbc.SearchFilter.Kind;
import io.mlsys.registry.jdbc.SearchFilter.Op;
import io.mlsys.registry.jdbc.SearchFilter.Text;
import io.mlsys.registry.jdbc.SearchFilter.TextList;
import io.mlsys.store.Database;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchFilterTest {

  @Test
  void parsesComparisonsJoinedByAnd() {
    SearchFilter filter =
        SearchFilter.parse(
            "name LIKE 'iris%' and tags.`my key` != \"a 'b'\" AND metrics.val.acc >= -1.5e-3"
                + " AND attributes.run_id NOT IN ('a', 'b')");
    assertThat(filter.comparisons())
        .containsExactly(
            new Comparison(new Key(Kind.ATTRIBUTE, "name", false), Op.LIKE, new Text("iris%")),
            new Comparison(new Key(Kind.TAG, "my key", true), Op.NE, new Text("a 'b'")),
            new Comparison(
                new Key(Kind.METRIC, "val.acc", true),
                Op.GE,
                new SearchFilter.Number(-1.5e-3, "-1.5e-3")),
            new Comparison(
                new Key(Kind.ATTRIBUTE, "run_id", true),
                Op.NOT_IN,
                new TextList(List.of("a", "b"))));
  }

  @Test
  void aDoubledQuoteIsOneQuote() {
    assertThat(SearchFilter.parse("name = 'it''s'").comparisons().get(0).value())
        .isEqualTo(new Text("it's"));
  }

  @Test
  void emptyFiltersMatchEverything() {
    assertThat(SearchFilter.parse(null).comparisons()).isEmpty();
    assertThat(SearchFilter.parse("  ").comparisons()).isEmpty();
  }

  @Test
  void badFiltersSayWhatIsWrongAndWhatWasExpected() {
    assertInvalid("name = 'a' OR name = 'b'", "OR is not supported");
    assertInvalid("name", "missing a comparator after 'name'");
    assertInvalid("name ~ 'a'", "is not a comparator");
    assertInvalid("name = iris", "neither a quoted string nor a number");
    assertInvalid("name = 'iris", "unclosed '");
    assertInvalid("foo.bar = 'x'", "'foo' is not an identifier type");
    assertInvalid("name = 'a' name = 'b'", "expected AND");
    assertInvalid("run_id IN 'a'", "parenthesized list");
    assertInvalid("run_id IN ('a' 'b')", "expected , or )");
    assertInvalid("name = 'a' AND", "missing a comparison at the end");
  }

  private static void assertInvalid(String filter, String problem) {
    assertThatThrownBy(() -> SearchFilter.parse(filter))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("filter: ")
        .hasMessageContaining(problem)
        .hasMessageContaining("expected");
  }

  @Test
  void translatesToParameterizedSql() {
    Sql sql =
        JdbcRegistryStore.MODELS.where(
            SearchFilter.parse("name LIKE 'x''; DROP TABLE audit; --%' AND tags.team = 'ml'"),
            Database.POSTGRESQL);
    assertThat(sql.text())
        .isEqualTo(
            "m.name LIKE ? ESCAPE '' AND EXISTS (SELECT 1 FROM model_tags kv WHERE kv.model_id ="
                + " m.id AND kv.key = ? AND kv.value = ?)")
        .doesNotContain("DROP");
    assertThat(sql.toString()).contains("DROP TABLE audit");
  }

  @Test
  void sqliteLikeIsCaseSensitiveThroughGlob() {
    assertThat(SearchSpec.glob("a%b_c*d?e[f")).isEqualTo("a*b?c[*]d[?]e[[]f");
    Sql sql = JdbcRegistryStore.MODELS.where(SearchFilter.parse("name LIKE 'a%'"), Database.SQLITE);
    assertThat(sql.text()).isEqualTo("m.name GLOB ?");
  }
}
