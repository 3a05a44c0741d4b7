interface Env {
  STAGE: string;
  FEATURES: { beta: boolean };
  API_KEY?: string;
  EXTRA?: string;
}

declare const BUILD_ID: string;

export default {
  async fetch(_req: Request, env: Env): Promise<Response> {
    return Response.json({
      stage: env.STAGE,
      beta: env.FEATURES.beta,
      apiKey: env.API_KEY ?? null,
      extra: env.EXTRA ?? null,
      build: BUILD_ID,
    });
  },
} satisfies ExportedHandler<Env>;

type ExportedHandler<E> = { fetch(req: Request, env: E): Promise<Response> };
