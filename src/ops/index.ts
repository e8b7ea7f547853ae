/**
 * What `src/main.ts` wires for operators (all optional; with HTTP_PORT set):
 *
 * ```ts
 * const metrics = createMetrics({ storage, clock, commandNames: commandNamesOf(core) });
 * const timedCore = instrumentCore(core, metrics, 'telegram');      // per adapter: command latency
 * const scheduler = startScheduler({ storage, ports, clock, log,
 *   catchUpHours: config.DELIVERY_CATCH_UP_HOURS, observer: metrics.deliveryObserver });
 * const ops = await startOpsServer({ port: config.HTTP_PORT, storage, registry: metrics.registry,
 *   health: () => ({ telegram: telegramIsConnected() }) });
 * // shutdown: await scheduler.stop(); await ops.close();
 * ```
 */
export { type AdapterHealth, checkHealth, type HealthReport, type ShardHealth } from './health.ts';
export { commandNamesOf, createMetrics, instrumentCore, type Metrics, type MetricsOptions } from './metrics.ts';
export { type OpsServer, type OpsServerOptions, startOpsServer } from './ops-server.ts';
