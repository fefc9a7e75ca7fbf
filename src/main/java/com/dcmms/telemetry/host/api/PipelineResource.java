package com.dcmms.telemetry.host.api;

import com.dcmms.telemetry.host.flink.EmbeddedFlink;
import com.dcmms.telemetry.host.flink.FlinkUnavailable;
import com.dcmms.telemetry.host.flink.PipelineStatus;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The pipeline's state and its control operations (savepoint, stop), which need the operator role.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineResource {
  private final PipelineStatus status;
  private final EmbeddedFlink flink;

  PipelineResource(PipelineStatus status, EmbeddedFlink flink) {
    this.status = status;
    this.flink = flink;
  }

  @GET
  @Path("/pipeline")
  public PipelineStatus.Pipeline pipeline() {
    return status.pipeline();
  }

  @GET
  @Path("/checkpoints")
  public PipelineStatus.Checkpoints checkpoints() {
    return status.checkpoints();
  }

  @POST
  @Path("/pipeline/savepoint")
  @RolesAllowed("operator")
  public Response savepoint() throws Exception {
    return control(false);
  }

  @POST
  @Path("/pipeline/stop")
  @RolesAllowed("operator")
  public Response stop() throws Exception {
    return control(true);
  }

  private Response control(boolean stop) throws Exception {
    if (!flink.isRunning()) {
      return Response.status(Response.Status.CONFLICT)
          .entity(Map.of("error", "the telemetry job is not running"))
          .build();
    }
    return Response.ok(Map.of("savepoint", flink.savepoint(stop))).build();
  }

  /**
   * The job's state is unknown for now: 503, so that a client retries instead of trusting a guess.
   */
  @ServerExceptionMapper
  Response unavailable(FlinkUnavailable e) {
    return Response.status(Response.Status.SERVICE_UNAVAILABLE)
        .entity(Map.of("error", e.getMessage()))
        .build();
  }
}
