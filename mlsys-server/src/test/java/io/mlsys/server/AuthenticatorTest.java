package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.PermissionDeniedException;
import io.mlsys.core.UnauthenticatedException;
import io.mlsys.server.config.AuthConfig;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthenticatorTest {
  private static final InetSocketAddress REMOTE = new InetSocketAddress("10.1.2.3", 40000);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);

  @RegisterExtension final LogCapture log = new LogCapture(Authenticator.class.getName());

  private static Authenticator create(AuthConfig.Mode mode, String host) {
    return Authenticator.create(
        AuthConfig.defaults().withMode(mode).withTokens(ManagementAuthTest.TOKENS),
        host,
        new SecureRandom());
  }

  @Test
  void autoRequiresTokensBeyondLoopbackOnly() {
    assertThat(create(AuthConfig.Mode.AUTO, "127.0.0.1").required()).isFalse();
    assertThat(create(AuthConfig.Mode.AUTO, "localhost").required()).isFalse();
    assertThat(create(AuthConfig.Mode.AUTO, "::1").required()).isFalse();
    assertThat(create(AuthConfig.Mode.AUTO, "0.0.0.0").required()).isTrue();
    assertThat(create(AuthConfig.Mode.REQUIRED, "127.0.0.1").required()).isTrue();
    assertThat(create(AuthConfig.Mode.OFF, "0.0.0.0").required()).isFalse();
  }

  @Test
  void rolesImplyTheLowerOnes() {
    Authenticator authenticator = create(AuthConfig.Mode.REQUIRED, "127.0.0.1");
    String admin = "Bearer " + ManagementAuthTest.ADMIN;

    assertThat(authenticator.check(Access.MANAGE, admin, LOCAL, false))
        .isEqualTo(new Identity("alice", io.mlsys.server.config.Role.MANAGE));
    assertThat(
            authenticator
                .check(Access.INFER, "bearer " + ManagementAuthTest.INFERRER, LOCAL, false)
                .user())
        .isEqualTo("ivan");
    assertThatThrownBy(
            () ->
                authenticator.check(
                    Access.MANAGE, "Bearer " + ManagementAuthTest.INFERRER, LOCAL, false))
        .isInstanceOf(PermissionDeniedException.class);
    assertThatThrownBy(
            () -> authenticator.check(Access.MANAGE, "Basic YWxpY2U6c2VjcmV0", LOCAL, false))
        .isInstanceOfSatisfying(
            UnauthenticatedException.class, e -> assertThat(e.credentialsGiven()).isTrue());
  }

  @Test
  void aTokenOverPlainTextFromBeyondLoopbackIsLoggedOnce() {
    Authenticator authenticator = create(AuthConfig.Mode.REQUIRED, "0.0.0.0");
    String admin = "Bearer " + ManagementAuthTest.ADMIN;

    authenticator.check(Access.MANAGE, admin, LOCAL, false);
    authenticator.check(Access.MANAGE, admin, REMOTE, true);
    assertThat(log.messages()).isEmpty();

    authenticator.check(Access.MANAGE, admin, REMOTE, false);
    authenticator.check(Access.MANAGE, admin, REMOTE, false);
    assertThat(log.messages()).hasSize(1);
    assertThat(log.messages().getFirst())
        .contains("10.1.2.3", "server.tls")
        .doesNotContain(ManagementAuthTest.ADMIN);
  }
}
