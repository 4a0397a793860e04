/**
 * The one place the helpers load danfojs. danfojs runs on the pure-JavaScript TensorFlow.js
 * (see the README's Dependencies), whose CPU backend prints a "install tfjs-node to speed things
 * up" banner on first use; production mode silences it (and skips tfjs' debug checks), which
 * keeps notebook outputs about the workshop.
 */
import * as dfd from "danfojs-node";

dfd.tensorflow.env().set("PROD", true);

export { dfd };
