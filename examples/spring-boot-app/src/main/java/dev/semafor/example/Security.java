package dev.semafor.example;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The application's security, which Semafor's dashboard lives behind: {@code /semafor} (the
 * dashboard and its HTTP API, {@code semafor.dashboard.path}) needs a user with the role {@code
 * SEMAFOR_ADMIN} (HTTP Basic here; any of Spring Security's logins will do); the rest of this
 * example is open.
 */
@Configuration(proxyBeanMethods = false)
class Security {
  @Bean
  SecurityFilterChain filters(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers("/semafor", "/semafor/**")
                    .hasRole("SEMAFOR_ADMIN")
                    .anyRequest()
                    .permitAll())
        .httpBasic(Customizer.withDefaults())
        // The dashboard's POSTs (retry, cancel) carry no CSRF token of Spring's: Semafor refuses
        // cross-site state changes itself (Origin, Sec-Fetch-Site). /signups is an API for other
        // services, not a browser form.
        .csrf(csrf -> csrf.ignoringRequestMatchers("/semafor/**", "/signups"));
    return http.build();
  }
}
