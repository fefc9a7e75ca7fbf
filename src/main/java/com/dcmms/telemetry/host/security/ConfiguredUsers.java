package com.dcmms.telemetry.host.security;

import com.dcmms.telemetry.host.ServiceConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The service's two users, "operator" and "viewer", with passwords from configuration or the
 * environment; a user without a configured password cannot log in.
 */
@ApplicationScoped
public class ConfiguredUsers implements IdentityProvider<UsernamePasswordAuthenticationRequest> {
  private final ServiceConfig config;

  ConfiguredUsers(ServiceConfig config) {
    this.config = config;
  }

  @Override
  public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
    return UsernamePasswordAuthenticationRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
    String user = request.getUsername();
    Optional<String> expected =
        switch (user) {
          case "operator" -> config.operatorPassword();
          case "viewer" -> config.viewerPassword();
          default -> Optional.empty();
        };
    byte[] given = new String(request.getPassword().getPassword()).getBytes(StandardCharsets.UTF_8);
    if (expected.isEmpty()
        || expected.get().isEmpty()
        || !MessageDigest.isEqual(expected.get().getBytes(StandardCharsets.UTF_8), given)) {
      // No hint whether the user or the password was wrong.
      return Uni.createFrom().failure(new AuthenticationFailedException());
    }
    return Uni.createFrom()
        .item(
            QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(user))
                .addRole(user)
                .build());
  }
}
