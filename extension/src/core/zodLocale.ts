/**
 * zod/mini (a fraction of zod's size and start-up cost, which matters in the
 * webview and on the way to the Studio's first paint) ships without message
 * texts; this gives every schema of ours zod's English messages.
 * Imported by each module that declares schemas.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());
